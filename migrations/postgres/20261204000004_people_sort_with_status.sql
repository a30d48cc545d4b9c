-- The directory list walks people in name order and checks each one's status (active by
-- default): with the status in the name index, SQLite checks it from the index and reads a
-- person's row only for the rows it shows. Filtered by a choice held by one person in five, a page
-- looks at ~250 people to show 50 (BENCHMARKS.md).
drop index people_company_sort;
create index people_company_sort on people (company_id, lower(last_name), lower(first_name), id, active);
