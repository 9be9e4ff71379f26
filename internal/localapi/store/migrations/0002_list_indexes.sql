-- Lists page through an organization's rows in creation order: index them that way.
CREATE INDEX members_by_org ON members (organization_id, seq);
CREATE INDEX invitations_by_org ON invitations (organization_id, seq);
