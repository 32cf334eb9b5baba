-- 010 (PostgreSQL): accounts managed from the browser. As db/010_users.sql.
ALTER TABLE users ADD COLUMN must_change bigint NOT NULL DEFAULT 0;
