-- One shop per database, and the embedded admin's staff roles.
--
-- installation holds at most one row: the shop this database serves, pinned
-- by the first completed install of the embedded admin, and the staff user
-- (the session token's sub) who completed it. A database that already holds
-- exactly one shop's Admin API token was installed before this migration:
-- it is pinned to that shop, and the next staff user of that shop to open
-- the admin becomes the installer (installed_by is '' until then).

CREATE TABLE installation (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    shop         TEXT NOT NULL,
    installed_by TEXT NOT NULL DEFAULT '',
    installed_at TIMESTAMPTZ NOT NULL
);

INSERT INTO installation (id, shop, installed_by, installed_at)
SELECT 1, shop, '', updated_at FROM shop_tokens WHERE (SELECT COUNT(*) FROM shop_tokens) = 1;

-- Every staff user who has opened the admin. Each holds read_all; the
-- roles they were granted beyond it are in staff_roles.
CREATE TABLE staff (
    shop       TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (shop, user_id)
);

CREATE TABLE staff_roles (
    shop    TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role    TEXT NOT NULL CHECK (role IN ('write', 'super_admin')),
    PRIMARY KEY (shop, user_id, role),
    FOREIGN KEY (shop, user_id) REFERENCES staff (shop, user_id)
);
