-- The directory list (and the manager picker) sort by lower(last name), lower(first name), id:
-- with this index a page of 50 reads 50 index entries instead of sorting the whole company
-- (measured in BENCHMARKS.md at 50,000 people).
create index people_company_sort on people (company_id, lower(last_name), lower(first_name), id);
