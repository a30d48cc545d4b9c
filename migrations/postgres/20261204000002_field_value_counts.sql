-- How many people hold each choice of a custom choice field, and how many of them are active:
-- the people list filtered by one choice ("Office: Berlin") shows this number on every view, and
-- counting a fifth of 50,000 people each time cost 4 ms (BENCHMARKS.md). Triggers keep it exact
-- for every write of values, choices and people, whatever code path makes it; the statement-level
-- ones write each counter once per statement (a sync writes thousands of values per statement).
-- Rows exist only for one-choice fields (their `person_field_values.text_value`) and
-- several-choices fields (their `person_field_choices`); text fields are not counted.
create table field_value_counts (
    field_id bigint not null references custom_fields(id) on delete cascade,
    value text not null,
    total bigint not null default 0,
    active bigint not null default 0,
    primary key (field_id, value)
);

insert into field_value_counts (field_id, value, total, active)
    select v.field_id, v.text_value, count(*), count(*) filter (where p.active)
    from person_field_values v
    join custom_fields f on f.id = v.field_id and f.kind = 'choice'
    join people p on p.id = v.person_id
    where v.text_value is not null
    group by v.field_id, v.text_value;
insert into field_value_counts (field_id, value, total, active)
    select c.field_id, c.choice, count(*), count(*) filter (where p.active)
    from person_field_choices c join people p on p.id = c.person_id
    group by c.field_id, c.choice;

-- Adds each (field, value)'s net change; writes nothing where nothing changed. Counts are only
-- created for values of choice fields (`kind` 'choice' or 'choices').
create function field_value_counts_add(fields bigint[], vals text[], totals bigint[], actives bigint[])
returns void language sql as $$
    insert into field_value_counts (field_id, value, total, active)
        select d.f, d.v, sum(d.t), sum(d.a)
        from unnest(fields, vals, totals, actives) as d(f, v, t, a)
        join custom_fields cf on cf.id = d.f and cf.kind in ('choice', 'choices')
        where d.v is not null
        group by d.f, d.v
        having sum(d.t) <> 0 or sum(d.a) <> 0
    on conflict (field_id, value) do update
        set total = field_value_counts.total + excluded.total,
            active = field_value_counts.active + excluded.active;
$$;

-- The values of people who are gone are skipped: `field_value_counts_person_delete` counted them
-- out before the person's row went (their values go by cascade, after it).
create function field_value_counts_after_value_insert() returns trigger language plpgsql as $$
begin
    perform field_value_counts_add(array_agg(n.field_id), array_agg(n.text_value),
                                   array_agg(1::bigint), array_agg(p.active::int::bigint))
        from new_rows n join people p on p.id = n.person_id;
    return null;
end $$;

create function field_value_counts_after_value_delete() returns trigger language plpgsql as $$
begin
    perform field_value_counts_add(array_agg(o.field_id), array_agg(o.text_value),
                                   array_agg(-1::bigint), array_agg(-(p.active::int)::bigint))
        from old_rows o join people p on p.id = o.person_id;
    return null;
end $$;

create function field_value_counts_after_value_update() returns trigger language plpgsql as $$
begin
    perform field_value_counts_add(array_agg(x.field_id), array_agg(x.value),
                                   array_agg(x.t), array_agg(x.a))
        from (select o.field_id, o.text_value as value, -1::bigint as t,
                     -(p.active::int)::bigint as a
              from old_rows o join people p on p.id = o.person_id
              union all
              select n.field_id, n.text_value, 1, p.active::int
              from new_rows n join people p on p.id = n.person_id) x;
    return null;
end $$;

create function field_value_counts_after_choice_insert() returns trigger language plpgsql as $$
begin
    perform field_value_counts_add(array_agg(n.field_id), array_agg(n.choice),
                                   array_agg(1::bigint), array_agg(p.active::int::bigint))
        from new_rows n join people p on p.id = n.person_id;
    return null;
end $$;

create function field_value_counts_after_choice_delete() returns trigger language plpgsql as $$
begin
    perform field_value_counts_add(array_agg(o.field_id), array_agg(o.choice),
                                   array_agg(-1::bigint), array_agg(-(p.active::int)::bigint))
        from old_rows o join people p on p.id = o.person_id;
    return null;
end $$;

create function field_value_counts_after_choice_update() returns trigger language plpgsql as $$
begin
    perform field_value_counts_add(array_agg(x.field_id), array_agg(x.value),
                                   array_agg(x.t), array_agg(x.a))
        from (select o.field_id, o.choice as value, -1::bigint as t,
                     -(p.active::int)::bigint as a
              from old_rows o join people p on p.id = o.person_id
              union all
              select n.field_id, n.choice, 1, p.active::int
              from new_rows n join people p on p.id = n.person_id) x;
    return null;
end $$;

-- A person activated or deactivated moves between the active and deactivated counts of every
-- choice they hold. Row-level with a WHEN clause, so the many updates that leave the status alone
-- (every changed column of every synced person) call nothing.
create function field_value_counts_after_person_active() returns trigger language plpgsql as $$
begin
    update field_value_counts c
        set active = c.active + (case when new.active then 1 else -1 end)
        from (select field_id, text_value as value from person_field_values where person_id = new.id
              union all
              select field_id, choice from person_field_choices where person_id = new.id) x
        where c.field_id = x.field_id and c.value = x.value;
    return null;
end $$;

-- A person deleted: their values are counted out while the person's status is still known.
create function field_value_counts_before_person_delete() returns trigger language plpgsql as $$
begin
    perform field_value_counts_add(array_agg(x.field_id), array_agg(x.value),
                                   array_agg(-1::bigint), array_agg(-(old.active::int)::bigint))
        from (select field_id, text_value as value from person_field_values where person_id = old.id
              union all
              select field_id, choice from person_field_choices where person_id = old.id) x;
    return old;
end $$;

create trigger field_value_counts_value_insert after insert on person_field_values
    referencing new table as new_rows
    for each statement execute function field_value_counts_after_value_insert();
create trigger field_value_counts_value_delete after delete on person_field_values
    referencing old table as old_rows
    for each statement execute function field_value_counts_after_value_delete();
create trigger field_value_counts_value_update after update on person_field_values
    referencing old table as old_rows new table as new_rows
    for each statement execute function field_value_counts_after_value_update();
create trigger field_value_counts_choice_insert after insert on person_field_choices
    referencing new table as new_rows
    for each statement execute function field_value_counts_after_choice_insert();
create trigger field_value_counts_choice_delete after delete on person_field_choices
    referencing old table as old_rows
    for each statement execute function field_value_counts_after_choice_delete();
create trigger field_value_counts_choice_update after update on person_field_choices
    referencing old table as old_rows new table as new_rows
    for each statement execute function field_value_counts_after_choice_update();
create trigger field_value_counts_person_active after update of active on people
    for each row when (old.active is distinct from new.active)
    execute function field_value_counts_after_person_active();
create trigger field_value_counts_person_delete before delete on people
    for each row execute function field_value_counts_before_person_delete();
