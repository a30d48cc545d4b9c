-- How many people hold each choice of a custom choice field, and how many of them are active:
-- the people list filtered by one choice ("Office: Berlin") shows this number on every view, and
-- counting a fifth of 50,000 people each time cost 4 ms (BENCHMARKS.md). Triggers keep it exact
-- for every write of values, choices and people, whatever code path makes it. Rows exist only for
-- one-choice fields (their `person_field_values.text_value`) and several-choices fields (their
-- `person_field_choices`); text fields are not counted.
create table field_value_counts (
    field_id integer not null references custom_fields(id) on delete cascade,
    value text not null,
    total integer not null default 0,
    active integer not null default 0,
    primary key (field_id, value)
);

insert into field_value_counts (field_id, value, total, active)
    select v.field_id, v.text_value, count(*), sum(p.active)
    from person_field_values v
    join custom_fields f on f.id = v.field_id and f.kind = 'choice'
    join people p on p.id = v.person_id
    where v.text_value is not null
    group by v.field_id, v.text_value;
insert into field_value_counts (field_id, value, total, active)
    select c.field_id, c.choice, count(*), sum(p.active)
    from person_field_choices c join people p on p.id = c.person_id
    where true
    group by c.field_id, c.choice;

create trigger field_value_counts_value_insert after insert on person_field_values
when new.text_value is not null
    and (select kind from custom_fields where id = new.field_id) = 'choice' begin
    insert into field_value_counts (field_id, value, total, active)
        select new.field_id, new.text_value, 1, p.active from people p where p.id = new.person_id
        on conflict (field_id, value) do update
            set total = total + 1, active = active + excluded.active;
end;

-- A value whose person is gone was counted out by `field_value_counts_person_delete` (a deleted
-- person's values go by cascade, after the person's row).
create trigger field_value_counts_value_delete after delete on person_field_values
when old.text_value is not null begin
    update field_value_counts
        set total = total - 1,
            active = active - (select p.active from people p where p.id = old.person_id)
        where field_id = old.field_id and value = old.text_value
          and exists (select 1 from people p where p.id = old.person_id);
end;

create trigger field_value_counts_value_update after update of text_value, field_id, person_id
on person_field_values
when old.text_value is not new.text_value or old.field_id is not new.field_id
    or old.person_id is not new.person_id begin
    update field_value_counts
        set total = total - 1,
            active = active - (select p.active from people p where p.id = old.person_id)
        where field_id = old.field_id and value = old.text_value
          and exists (select 1 from people p where p.id = old.person_id);
    insert into field_value_counts (field_id, value, total, active)
        select new.field_id, new.text_value, 1, p.active from people p
        where p.id = new.person_id and new.text_value is not null
          and (select kind from custom_fields where id = new.field_id) = 'choice'
        on conflict (field_id, value) do update
            set total = total + 1, active = active + excluded.active;
end;

create trigger field_value_counts_choice_insert after insert on person_field_choices begin
    insert into field_value_counts (field_id, value, total, active)
        select new.field_id, new.choice, 1, p.active from people p where p.id = new.person_id
        on conflict (field_id, value) do update
            set total = total + 1, active = active + excluded.active;
end;

create trigger field_value_counts_choice_delete after delete on person_field_choices begin
    update field_value_counts
        set total = total - 1,
            active = active - (select p.active from people p where p.id = old.person_id)
        where field_id = old.field_id and value = old.choice
          and exists (select 1 from people p where p.id = old.person_id);
end;

create trigger field_value_counts_choice_update after update on person_field_choices
when old.choice is not new.choice or old.field_id is not new.field_id
    or old.person_id is not new.person_id begin
    update field_value_counts
        set total = total - 1,
            active = active - (select p.active from people p where p.id = old.person_id)
        where field_id = old.field_id and value = old.choice
          and exists (select 1 from people p where p.id = old.person_id);
    insert into field_value_counts (field_id, value, total, active)
        select new.field_id, new.choice, 1, p.active from people p where p.id = new.person_id
        on conflict (field_id, value) do update
            set total = total + 1, active = active + excluded.active;
end;

-- A person activated or deactivated moves between the active and deactivated counts of every
-- choice they hold.
create trigger field_value_counts_person_active after update of active on people
when old.active is not new.active begin
    update field_value_counts
        set active = active + (case when new.active then 1 else 0 end)
                            - (case when old.active then 1 else 0 end)
        where (field_id, value) in (
            select field_id, text_value from person_field_values where person_id = new.id
            union all
            select field_id, choice from person_field_choices where person_id = new.id);
end;

create trigger field_value_counts_person_delete before delete on people begin
    update field_value_counts
        set total = total - 1,
            active = active - (case when old.active then 1 else 0 end)
        where (field_id, value) in (
            select field_id, text_value from person_field_values where person_id = old.id
            union all
            select field_id, choice from person_field_choices where person_id = old.id);
end;
