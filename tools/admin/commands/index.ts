/** The admin CLI's commands, one file per group: `<group> <action>`, its options, its help line and a domain call. */
import { accessListCommands } from './access-lists.ts';
import { appsCommands } from './apps.ts';
import { clicksCommands } from './clicks.ts';
import type { Command } from './common.ts';
import { credentialsCommands } from './credentials.ts';
import { maintenanceCommands } from './maintenance.ts';
import { mappingsCommands } from './mappings.ts';
import { organizationsCommands } from './organizations.ts';
import { publishersCommands } from './publishers.ts';
import { tenantsCommands } from './tenants.ts';

export { type Command, type Output, UsageError } from './common.ts';

export const commands: Command[] = [
  ...tenantsCommands,
  ...appsCommands,
  ...credentialsCommands,
  ...publishersCommands,
  ...mappingsCommands,
  ...clicksCommands,
  ...organizationsCommands,
  ...accessListCommands('program'),
  ...accessListCommands('campaign'),
  ...maintenanceCommands,
];
