-- Companies, people, groups, logins and sessions: the directory itself.
create table companies (
    id bigserial primary key,
    slug text not null unique,
    name text not null,
    time_zone text not null default 'UTC',
    sync_hour integer not null default 5 check (sync_hour between 0 and 23),
    gender_choices jsonb not null default '["female","male"]',
    deactivate_max_percent integer not null default 20,
    deactivate_min_people integer not null default 2,
    created_at timestamptz not null
);

create table people (
    id bigserial primary key,
    company_id bigint not null references companies(id),
    email text not null,
    first_name text not null,
    last_name text not null,
    position text,
    department text,
    gender text,
    birth_date date,
    employee_number text,
    first_hired_on date,
    manager_id bigint references people(id) on delete set null,
    active boolean not null default true,
    source text not null default 'manual' check (source in ('manual', 'personio', 'kiwihr')),
    source_id text,
    password_hash text,
    role text check (role in ('manager', 'employee')),
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create unique index people_company_email on people (company_id, lower(email));
create unique index people_company_source on people (company_id, source, source_id) where source_id is not null;
create index people_company_name on people (company_id, last_name, first_name);
create index people_manager on people (manager_id);

create table groups (
    id bigserial primary key,
    company_id bigint not null references companies(id),
    name text not null,
    created_at timestamptz not null
);
create index groups_company on groups (company_id, name);

create table group_members (
    group_id bigint not null references groups(id) on delete cascade,
    person_id bigint not null references people(id) on delete cascade,
    primary key (group_id, person_id)
);
create index group_members_person on group_members (person_id);

-- Every login attempt, so throttling holds across processes.
create table login_attempts (
    id bigserial primary key,
    email_key text not null,
    ip text not null,
    succeeded boolean not null,
    at timestamptz not null
);
create index login_attempts_email on login_attempts (email_key, at);
create index login_attempts_ip on login_attempts (ip, at);

create table sessions (
    id text primary key,
    data bytea not null,
    expiry_date timestamptz not null,
    person_id bigint
);
create index sessions_person on sessions (person_id);
create index sessions_expiry on sessions (expiry_date);
