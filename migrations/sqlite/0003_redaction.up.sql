-- The audit trail stays append-only with one exception: personal data that
-- a storefront asks us to forget (customers/redact) may be rewritten to
-- '[redacted]'. Nothing else about an entry may change.
DROP TRIGGER audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_entries
WHEN NEW.id IS NOT OLD.id OR NEW.entity IS NOT OLD.entity OR NEW.entity_id IS NOT OLD.entity_id
    OR NEW.field IS NOT OLD.field OR NEW.reason IS NOT OLD.reason OR NEW.actor IS NOT OLD.actor OR NEW.at IS NOT OLD.at
    OR (NEW.old_value IS NOT OLD.old_value AND NEW.old_value IS NOT '[redacted]')
    OR (NEW.new_value IS NOT OLD.new_value AND NEW.new_value IS NOT '[redacted]')
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
