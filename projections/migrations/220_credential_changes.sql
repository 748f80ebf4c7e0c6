-- Gateways keep the tokens they have checked (gateway/credentials.py). Any change to a token, to an account's
-- access (disabled, API access) or to its preferences (the language its answers are in) is announced at commit
-- on `portal_credentials` with the account's id, and every gateway drops what it kept of that account. A rebuild
-- carries a table's triggers over to the rebuilt table and announces '*' (drop everything).
CREATE FUNCTION portal_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('portal_credentials', (CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id
                                                  ELSE NEW.account_id END)::text);
    IF TG_OP = 'UPDATE' AND OLD.account_id IS DISTINCT FROM NEW.account_id THEN
        PERFORM pg_notify('portal_credentials', OLD.account_id::text);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER auth_tokens_changed AFTER UPDATE OR DELETE ON auth_tokens
    FOR EACH ROW EXECUTE FUNCTION portal_credentials_changed();
CREATE TRIGGER account_access_changed AFTER INSERT OR UPDATE OR DELETE ON account_access
    FOR EACH ROW EXECUTE FUNCTION portal_credentials_changed();
CREATE TRIGGER account_preferences_changed AFTER INSERT OR UPDATE OR DELETE ON account_preferences
    FOR EACH ROW EXECUTE FUNCTION portal_credentials_changed();
