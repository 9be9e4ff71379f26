-- The organization a new organization was created from (NULL for the bootstrapped one, and for
-- organizations created before this column existed). Organization-level calls reach an
-- organization from its parent only (see DESIGN.md, "Credentials and what they may do"); deleting
-- the parent leaves its children reachable through their own credentials alone.
ALTER TABLE organizations ADD COLUMN parent_id TEXT REFERENCES organizations (id) ON DELETE SET NULL;
