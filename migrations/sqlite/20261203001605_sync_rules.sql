-- Who is synced: include/exclude rules on HRIS attributes, per company and provider (they outlive
-- a disconnect, like the people's HRIS ids). One row per rule, in the order the page shows them;
-- the values a rule compares with are a JSON list of strings.
create table sync_rules (
    id integer primary key,
    company_id integer not null references companies(id),
    provider text not null check (provider in ('personio', 'kiwihr')),
    position integer not null,
    effect text not null check (effect in ('include', 'exclude')),
    attribute_key text not null,
    attribute_label text not null,
    match_values text not null,
    unique (company_id, provider, position)
);
