-- How many people a company has, and how many of them are active: the people list shows this
-- number on every view, and counting 50,000 index entries each time cost 3 ms (BENCHMARKS.md).
-- Statement-level triggers keep it exact for every write of `people`, whatever code path makes
-- it, with one counter write per statement (a sync inserts thousands of people per statement).
create table people_counts (
    company_id bigint primary key references companies(id),
    total bigint not null default 0,
    active bigint not null default 0
);

insert into people_counts (company_id, total, active)
    select company_id, count(*), count(*) filter (where active) from people group by company_id;

-- Adds each company's net change of people and of active people; writes nothing for a company
-- whose counts did not change (most updates).
create function people_counts_add(companies bigint[], totals bigint[], actives bigint[])
returns void language sql as $$
    insert into people_counts (company_id, total, active)
        select c, t, a from unnest(companies, totals, actives) as d(c, t, a)
        where t <> 0 or a <> 0
    on conflict (company_id) do update
        set total = people_counts.total + excluded.total,
            active = people_counts.active + excluded.active;
$$;

create function people_counts_after_insert() returns trigger language plpgsql as $$
begin
    perform people_counts_add(array_agg(company_id), array_agg(n), array_agg(a))
        from (select company_id, count(*) as n, count(*) filter (where active) as a
              from new_rows group by company_id) d;
    return null;
end $$;

create function people_counts_after_update() returns trigger language plpgsql as $$
begin
    perform people_counts_add(array_agg(company_id), array_agg(n), array_agg(a))
        from (select company_id, sum(n)::bigint as n, sum(a)::bigint as a from (
                  select company_id, -1 as n, -(active::int) as a from old_rows
                  union all
                  select company_id, 1, active::int from new_rows) x
              group by company_id) d;
    return null;
end $$;

create function people_counts_after_delete() returns trigger language plpgsql as $$
begin
    perform people_counts_add(array_agg(company_id), array_agg(-n), array_agg(-a))
        from (select company_id, count(*) as n, count(*) filter (where active) as a
              from old_rows group by company_id) d;
    return null;
end $$;

create trigger people_counts_insert after insert on people
    referencing new table as new_rows for each statement execute function people_counts_after_insert();
create trigger people_counts_update after update on people
    referencing old table as old_rows new table as new_rows
    for each statement execute function people_counts_after_update();
create trigger people_counts_delete after delete on people
    referencing old table as old_rows for each statement execute function people_counts_after_delete();
