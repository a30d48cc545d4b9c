-- How many people a company has, and how many of them are active: the people list shows this
-- number on every view, and counting 50,000 index entries each time cost 3 ms (BENCHMARKS.md).
-- Triggers keep it exact for every write of `people`, whatever code path makes it.
create table people_counts (
    company_id integer primary key references companies(id),
    total integer not null default 0,
    active integer not null default 0
);

insert into people_counts (company_id, total, active)
    select company_id, count(*), sum(active) from people group by company_id;

create trigger people_counts_insert after insert on people begin
    insert into people_counts (company_id, total, active) values (new.company_id, 1, new.active)
        on conflict (company_id) do update set total = total + 1, active = active + excluded.active;
end;

create trigger people_counts_update after update of active, company_id on people
when old.active is not new.active or old.company_id is not new.company_id begin
    update people_counts set total = total - 1, active = active - old.active
        where company_id = old.company_id;
    insert into people_counts (company_id, total, active) values (new.company_id, 1, new.active)
        on conflict (company_id) do update set total = total + 1, active = active + excluded.active;
end;

create trigger people_counts_delete after delete on people begin
    update people_counts set total = total - 1, active = active - old.active
        where company_id = old.company_id;
end;
