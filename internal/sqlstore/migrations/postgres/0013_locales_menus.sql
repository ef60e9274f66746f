-- Locales: the project's content languages (Locales.getLocales).
CREATE TABLE locales (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    short_code  TEXT NOT NULL,
    name        TEXT NOT NULL,
    native_name TEXT NOT NULL,
    image       TEXT NOT NULL,
    is_active   BOOLEAN NOT NULL,
    is_default  BOOLEAN NOT NULL,
    position    BIGINT NOT NULL
);

-- Menus: named lists of pages (Menus.getMenusByMarker).
CREATE TABLE menus (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier     TEXT NOT NULL UNIQUE,
    localize_infos TEXT NOT NULL,
    position       BIGINT NOT NULL
);

-- The pages of a menu in their order, each nested under another page of
-- the same menu (parent_page_id) or at the top (NULL).
CREATE TABLE menu_pages (
    menu_id        BIGINT NOT NULL REFERENCES menus (id),
    page_id        BIGINT NOT NULL REFERENCES pages (id),
    parent_page_id BIGINT REFERENCES pages (id),
    position       BIGINT NOT NULL,
    PRIMARY KEY (menu_id, page_id)
);
