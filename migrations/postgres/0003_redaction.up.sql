-- The audit trail stays append-only with one exception: personal data that
-- a storefront asks us to forget (customers/redact) may be rewritten to
-- '[redacted]'. Nothing else about an entry may change.
DROP TRIGGER audit_no_change ON audit_entries;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION taripay_forbid_change();
CREATE FUNCTION taripay_audit_redaction_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.entity IS DISTINCT FROM OLD.entity
        OR NEW.entity_id IS DISTINCT FROM OLD.entity_id OR NEW.field IS DISTINCT FROM OLD.field
        OR NEW.reason IS DISTINCT FROM OLD.reason OR NEW.actor IS DISTINCT FROM OLD.actor OR NEW.at IS DISTINCT FROM OLD.at
        OR (NEW.old_value IS DISTINCT FROM OLD.old_value AND NEW.old_value IS DISTINCT FROM '[redacted]')
        OR (NEW.new_value IS DISTINCT FROM OLD.new_value AND NEW.new_value IS DISTINCT FROM '[redacted]') THEN
        RAISE EXCEPTION 'audit_entries rows are never rewritten, except to redact personal data';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_redaction_only BEFORE UPDATE ON audit_entries FOR EACH ROW EXECUTE FUNCTION taripay_audit_redaction_only();
