/**
 * Mail to the console admin (ADMIN_EMAIL) when something needs them and nobody may be looking:
 * a scheduled backup failed, or the data folder's disk has less than DISK_ALERT_FREE_MB free.
 * Without ADMIN_EMAIL or a configured mailer nothing is sent. A low disk is mailed at most once a
 * day (an appliance document with a 24 h expiry, created atomically: one instance mails); a failed
 * backup once per failed run. A mail that cannot be sent is logged, never thrown at the job.
 */
import os from 'node:os';
import type { ApplianceStore } from '../storage/types.js';
import { diskSpace } from './disk-space.js';
import type { Mailer } from './mail.js';

export interface AdminAlertLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface AdminAlertsOptions {
  mailer: Mailer;
  /** ADMIN_EMAIL; none: no alerts */
  adminEmail?: string;
  dataDir: string;
  /** DISK_ALERT_FREE_MB; 0: no disk alert */
  diskAlertFreeMb: number;
  appliance: () => ApplianceStore | null;
  logger?: AdminAlertLogger;
  /** free and total bytes of the data folder's disk (default: statfs) */
  measureDisk?: (dir: string) => Promise<{ total: number; free: number } | null>;
  now?: () => number;
}

export const ALERT_KIND = 'admin-alert';
const DISK_ALERT_QUIET_MS = 24 * 60 * 60 * 1000;

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}

export class AdminAlerts {
  constructor(private readonly options: AdminAlertsOptions) {}

  /** True when alerts can go out (an address and a mailer). */
  get enabled(): boolean {
    return Boolean(this.options.adminEmail) && this.options.mailer.configured;
  }

  private async send(subject: string, lines: string[]): Promise<boolean> {
    const to = this.options.adminEmail;
    if (!to || !this.options.mailer.configured) return false;
    try {
      await this.options.mailer.send({ to, subject, text: `${lines.join('\n')}\n` });
      this.options.logger?.info({ to, subject }, 'alert mailed to the console admin');
      return true;
    } catch (err) {
      this.options.logger?.warn({ to, subject, err: err instanceof Error ? err.message : String(err) }, 'the alert to the console admin could not be mailed');
      return false;
    }
  }

  /** A scheduled backup failed: mail the reason. */
  async backupFailed(reason: string, runId: string): Promise<boolean> {
    const host = os.hostname();
    return this.send(`Integram (${host}): резервная копия не создана / backup failed`, [
      `Плановая резервная копия на сервере ${host} не создана.`,
      `Причина: ${reason}`,
      'Подробности — в консоли, на странице «Задачи», и в журнале сервера.',
      '',
      `The scheduled backup on ${host} failed.`,
      `Reason: ${reason}`,
      `Details: the console's Jobs page (run ${runId}) and the server log.`,
    ]);
  }

  /**
   * Mails the admin when the data folder's disk has less free space than the threshold, at most
   * once a day. Answers what it measured (null when the disk could not be measured).
   */
  async checkDisk(): Promise<{ freeMb: number; thresholdMb: number; alerted: boolean } | null> {
    const thresholdMb = this.options.diskAlertFreeMb;
    const disk = await (this.options.measureDisk ?? diskSpace)(this.options.dataDir);
    if (!disk) return null;
    const freeMb = mb(disk.free);
    if (thresholdMb <= 0 || freeMb >= thresholdMb || !this.enabled) return { freeMb, thresholdMb, alerted: false };
    const store = this.options.appliance();
    const now = (this.options.now ?? Date.now)();
    // one mail a day, from one instance
    if (store && !(await store.create(ALERT_KIND, 'disk-low', { freeMb, at: new Date(now).toISOString() }, { expiresAt: new Date(now + DISK_ALERT_QUIET_MS) }))) {
      return { freeMb, thresholdMb, alerted: false };
    }
    const host = os.hostname();
    const alerted = await this.send(`Integram (${host}): мало места на диске / disk space low`, [
      `На диске с папкой данных ${this.options.dataDir} свободно ${freeMb} МБ из ${mb(disk.total)} МБ (порог ${thresholdMb} МБ).`,
      'Освободите место или перенесите папку данных: без места не будут создаваться резервные копии и записываться данные.',
      '',
      `The disk of the data folder ${this.options.dataDir} has ${freeMb} MB free of ${mb(disk.total)} MB (threshold ${thresholdMb} MB).`,
      'Free some space or move the data folder: without it backups and writes will fail.',
    ]);
    if (!alerted && store) await store.delete(ALERT_KIND, 'disk-low').catch(() => undefined);
    return { freeMb, thresholdMb, alerted };
  }
}
