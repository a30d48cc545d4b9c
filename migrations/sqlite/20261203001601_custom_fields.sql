-- Company custom fields (Settings › Company › Fields) and each person's values for them.
-- A field's id is stable across renames, so values (and, later, an HRIS attribute mapping) point
-- at the id, never at the label.
create table custom_fields (
    id integer primary key,
    company_id integer not null references companies(id),
    label text not null,
    -- The label folded (`directory::search::fold`): "Office" and "office" are one label.
    label_key text not null,
    kind text not null check (kind in ('text', 'number', 'date', 'choice', 'choices')),
    -- The choices of a choice field, in the order shown (a JSON array of strings).
    choices text not null default '[]',
    created_at text not null
);
create unique index custom_fields_label on custom_fields (company_id, label_key);

-- One row per person and field with a value; the column the field's kind names is set
-- (text and one-choice fields: text_value). Several-choices fields use person_field_choices.
create table person_field_values (
    person_id integer not null references people(id) on delete cascade,
    field_id integer not null references custom_fields(id) on delete cascade,
    text_value text,
    number_value real,
    date_value text,
    primary key (person_id, field_id)
);
-- The people list's filter ("Office: Berlin") reads the people with one value of one field.
create index person_field_values_filter on person_field_values (field_id, text_value, person_id);

-- The chosen values of a several-choices field: one row per person, field and choice.
create table person_field_choices (
    person_id integer not null references people(id) on delete cascade,
    field_id integer not null references custom_fields(id) on delete cascade,
    choice text not null,
    primary key (field_id, choice, person_id)
);
create index person_field_choices_person on person_field_choices (person_id, field_id);
