-- The built-in fields' part of the attribute mapping (Settings › Integrations › <provider> ›
-- Fields): an optional built-in field (position, department, gender, birth date, hire date,
-- employee number) filled from another HRIS attribute, or not synced (attribute_key null). Only
-- the fields that differ from the seed's table are stored: no row means the seed's attribute.
create table builtin_mappings (
    company_id bigint not null references companies(id),
    provider text not null check (provider in ('personio', 'kiwihr')),
    field text not null,
    attribute_key text,
    attribute_label text not null default '',
    primary key (company_id, provider, field)
);
