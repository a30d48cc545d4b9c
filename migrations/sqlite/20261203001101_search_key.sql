-- The directory search compares a folded key (Unicode lower case, accents dropped) computed by
-- Roster (`directory::search`), not the database's `lower()`, which folds only ASCII on SQLite.
-- NULL means "not folded yet": Roster fills those rows when it starts, after migrating.
alter table people add column search_key text;
