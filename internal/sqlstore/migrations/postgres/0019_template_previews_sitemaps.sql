-- Preview templates: the proportions front ends cut pictures to.
CREATE TABLE template_previews (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identifier       TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    position         BIGINT NOT NULL,
    proportions      TEXT NOT NULL,
    attribute_set    TEXT NOT NULL,
    attribute_values TEXT NOT NULL,
    version          BIGINT NOT NULL
);

-- Generated sitemaps (updateSitemap), served as files.
CREATE TABLE sitemaps (
    name       TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_ms BIGINT NOT NULL
);
