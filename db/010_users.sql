-- 010: accounts managed from the browser (issue #16, GET/POST /api/v1/users).
-- must_change: the password was given by someone else (a new account or a
-- reset): the person must choose a new one (POST /api/v1/password) before
-- any other route answers.
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
