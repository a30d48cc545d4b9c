-- One-time links that let a person choose a password: an invitation (7 days) or a reset (1 hour).
-- Only the token's SHA-256 is stored; a new link of the same purpose replaces the old one.
create table login_tokens (
    id integer primary key,
    company_id integer not null references companies(id),
    person_id integer not null references people(id) on delete cascade,
    purpose text not null check (purpose in ('invitation', 'reset')),
    role text check (role in ('manager', 'employee')),
    token_hash text not null unique,
    created_at text not null,
    expires_at text not null,
    used_at text
);
create index login_tokens_person on login_tokens (person_id, purpose);

-- "Forgot password" requests, for throttling by address and by email.
create table password_reset_requests (
    id integer primary key,
    email_key text not null,
    ip text not null,
    at text not null
);
create index password_reset_requests_email on password_reset_requests (email_key, at);
create index password_reset_requests_ip on password_reset_requests (ip, at);

-- Company setting: invite the active people a sync creates.
alter table companies add column invite_new_people boolean not null default false;
