-- The attribute mapping per HRIS (Settings › Integrations › <provider> › Fields): which HRIS
-- attribute fills which company custom field, per company and provider (it outlives a disconnect,
-- like the who-is-synced rules). The seed's built-in mapping is not stored: no row means the
-- attribute is not synced into a custom field. A field is filled by at most one attribute.
create table field_mappings (
    company_id bigint not null references companies(id),
    provider text not null check (provider in ('personio', 'kiwihr')),
    attribute_key text not null,
    attribute_label text not null,
    field_id bigint not null references custom_fields(id) on delete cascade,
    -- Choice fields: a value that is none of the field's choices is added as a new choice
    -- (1), or leaves the field empty with a warning (0).
    add_choices boolean not null default false,
    primary key (company_id, provider, attribute_key),
    unique (company_id, provider, field_id)
);
