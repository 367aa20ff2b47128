import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL NOTIFY on the changes the API processes cache (src/persistence/change-listener.ts):
 * a published playbook or segmentation rule, a revoked or deleted API key. Triggers, not calls in
 * the stores, so that every writer notifies (the API, the seed, `npm run api-keys`, an operator's
 * SQL), and a notification is sent only when its transaction commits. The channel names are fixed
 * here; `CHANGE_CHANNELS` in the listener names the same ones.
 */
export class ChangeNotifications1764320000000 implements MigrationInterface {
  name = 'ChangeNotifications1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION notify_playbook_published() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('playbook_published', NEW.tier);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER playbook_published AFTER INSERT OR UPDATE ON playbooks
      FOR EACH ROW EXECUTE FUNCTION notify_playbook_published()`);
    await queryRunner.query(`
      CREATE FUNCTION notify_segmentation_rule_published() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('segmentation_rule_published', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER segmentation_rule_published AFTER INSERT OR UPDATE OR DELETE ON segmentation_rules
      FOR EACH STATEMENT EXECUTE FUNCTION notify_segmentation_rule_published()`);
    // last_used_at is written at most once a minute per key by verify(): not a change anyone caches.
    await queryRunner.query(`
      CREATE FUNCTION notify_api_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - 'last_used_at') = (to_jsonb(NEW) - 'last_used_at') THEN
          RETURN NULL;
        END IF;
        PERFORM pg_notify('api_key_changed', 'oo_' || OLD.prefix);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER api_key_changed AFTER UPDATE OR DELETE ON api_keys
      FOR EACH ROW EXECUTE FUNCTION notify_api_key_changed()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER api_key_changed ON api_keys`);
    await queryRunner.query(`DROP FUNCTION notify_api_key_changed()`);
    await queryRunner.query(`DROP TRIGGER segmentation_rule_published ON segmentation_rules`);
    await queryRunner.query(`DROP FUNCTION notify_segmentation_rule_published()`);
    await queryRunner.query(`DROP TRIGGER playbook_published ON playbooks`);
    await queryRunner.query(`DROP FUNCTION notify_playbook_published()`);
  }
}
