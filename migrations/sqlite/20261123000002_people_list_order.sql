-- The directory list (and the manager picker) sort by lower(last name), lower(first name), id:
-- with this index a page of 50 reads 50 index entries instead of sorting the whole company
-- (measured in BENCHMARKS.md at 50,000 people).
create index people_company_sort on people (company_id, lower(last_name), lower(first_name), id);

-- The list's count (no text search) and the department filter's choices read only the index.
create index people_company_active on people (company_id, active);
create index people_company_department on people (company_id, department);
