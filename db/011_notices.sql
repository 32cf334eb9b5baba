-- 011: notices for the board and the kiosk (POST /api/v1/notices). A notice
-- is shown every day from from_day to to_day (both included, the site's
-- local days) on the screens of its mask; its texts, one per language, are
-- in notice_texts. French is always there (the desk checks it).
CREATE TABLE notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a deleted id stays unknown (404)
    from_day TEXT NOT NULL,     -- first day shown, YYYY-MM-DD
    to_day TEXT NOT NULL,       -- last day shown, YYYY-MM-DD
    screens INTEGER NOT NULL,   -- 1: the board, 2: the kiosk, 3: both
    created_by TEXT NOT NULL,   -- who added it (never shown to the public)
    created_at INTEGER NOT NULL -- when (Unix seconds)
);
CREATE INDEX notices_to_day ON notices (to_day);

CREATE TABLE notice_texts (
    notice_id INTEGER NOT NULL, -- notices.id
    lang TEXT NOT NULL,         -- the kiosk's language code (core/i18n.c): fr, en, fa-AF...
    text TEXT NOT NULL,         -- at most 200 characters, valid UTF-8
    PRIMARY KEY (notice_id, lang)
);
