-- Ownership follows the connection: the attributes the connected HRIS owns but its credential did
-- not read in the last applied sync (comma-separated attribute keys) are not locked on people.
alter table integrations add column unread_fields text not null default '';

-- Why the sync made a change ("status Inactive in Personio"), recorded by reconcile.
alter table sync_changes add column reason text;

-- A person's own sync history, newest first.
create index sync_changes_person on sync_changes (person_id, id);
