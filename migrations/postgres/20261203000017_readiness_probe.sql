-- One row that /readyz rewrites to prove the database takes writes (a read-only server or a
-- full disk answers reads but not writes).
create table readiness_probe (
    id integer primary key check (id = 1),
    checked_at timestamptz not null
);
