/**
 * Mail to the console admin (server/appliance/admin-alerts.ts) through the real job registry, a
 * real store (both kinds) and a real SMTP server on loopback: a failed scheduled backup is mailed
 * with its reason, a failed manual one is not (the console shows it); a disk below
 * DISK_ALERT_FREE_MB (measured for real: the threshold is set above any disk) is mailed once a day.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminAlerts } from '../../../server/appliance/admin-alerts.js';
import { BACKUP_JOB, CLEANUP_JOB, registerApplianceJobs } from '../../../server/appliance/jobs.js';
import { createMailer } from '../../../server/appliance/mail.js';
import { JobRegistry } from '../../../server/jobs/registry.js';
import { startTestSmtp, type TestSmtp } from '../../support/smtp.js';
import { TEST_STORES, type TestStore } from '../../support/stores.js';

for (const kind of TEST_STORES) {
  describe.skipIf(!kind.enabled)(`alerts to the console admin on ${kind.name}`, () => {
    let smtp: TestSmtp;
    let testStore: TestStore;
    let dataDir: string;
    let registry: JobRegistry;

    beforeAll(async () => {
      smtp = await startTestSmtp();
      testStore = await kind.open();
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'integram-alerts-'));
      // the backups folder cannot be created: a file stands where it would go
      writeFileSync(path.join(dataDir, 'backups'), 'not a folder');
      const mailer = createMailer({
        SMTP_HOST: '127.0.0.1', SMTP_PORT: smtp.port, SMTP_SECURE: false, SMTP_USER: smtp.user, SMTP_PASSWORD: smtp.password,
        FROM_EMAIL: 'noreply@example.test', FROM_NAME: 'Integram Test',
      });
      const alerts = new AdminAlerts({
        mailer, adminEmail: 'admin@example.test', dataDir, diskAlertFreeMb: 10_000_000, appliance: () => testStore.store.appliance,
      });
      registry = new JobRegistry({ getStore: () => testStore.store });
      // every second, so that the scheduler itself starts a run
      registerApplianceJobs(registry, { getStore: () => testStore.store, dataDir, policy: { schedule: '* * * * * *', keep: 3 }, alerts });
    }, 60_000);
    afterAll(async () => {
      await registry?.stop();
      await testStore?.cleanup();
      await smtp?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('a failed manual backup mails nothing; a failed scheduled one mails the reason to ADMIN_EMAIL', async () => {
      const manual = await registry.runNow(BACKUP_JOB);
      const finished = await registry.wait(manual.id);
      expect(finished?.state).toBe('failed');
      expect(smtp.received).toHaveLength(0);

      registry.start();
      const mail = await smtp.waitForMail(1, 15_000);
      await registry.stop();
      expect(mail.envelopeTo).toEqual(['admin@example.test']);
      expect(mail.parsed.subject).toMatch(/^Integram \(.+\): резервная копия не создана \/ backup failed$/);
      const text = mail.parsed.text ?? '';
      expect(text).toContain('The scheduled backup on');
      // the reason the job failed with, as its run records it
      const runs = await registry.list();
      const backup = runs.find((j) => j.name === BACKUP_JOB)!;
      expect(backup.lastResult).toBe('error');
      expect(text).toContain(`Reason: ${backup.lastMessage}`);
      expect(backup.lastMessage).toMatch(/EEXIST|ENOTDIR|not a directory|file already exists/i);
    });

    it('a disk below the threshold is mailed once a day, from the hourly cleanup', async () => {
      const isDiskAlert = (m: { parsed: { subject?: string } }) => /мало места на диске \/ disk space low$/.test(m.parsed.subject ?? '');
      expect(smtp.received.filter(isDiskAlert)).toHaveLength(0);
      const first = await registry.wait((await registry.runNow(CLEANUP_JOB)).id);
      expect(first?.state).toBe('done');
      const mail = await smtp.waitForMatch(isDiskAlert);
      expect(mail.envelopeTo).toEqual(['admin@example.test']);
      expect(mail.parsed.text).toContain(`The disk of the data folder ${dataDir} has`);
      expect(mail.parsed.text).toContain('threshold 10000000 MB');
      // a second check the same day mails nothing more
      await registry.wait((await registry.runNow(CLEANUP_JOB)).id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(smtp.received.filter(isDiskAlert)).toHaveLength(1);
      expect(await testStore.store.appliance.get('admin-alert', 'disk-low')).not.toBeNull();
    });
  });
}
