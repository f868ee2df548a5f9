// Column definitions shared by every kind's `get` table (printers.go's TableColumnDefinition literals):
// the helper and the columns most kinds repeat, with the apiserver's descriptions.
import { DOCS } from './column-docs.js';
import type { TableColumnDefinition } from './table-types.js';

export const col = (name: string, type: string, description: string, priority = 0, format = ''): TableColumnDefinition =>
  ({ name, type, format, description, priority });
export const nameCol = col('Name', 'string', DOCS.name, 0, 'name');
export const ageCol = col('Age', 'string', DOCS.creationTimestamp);
export const containersCol = col('Containers', 'string', 'Names of each container in the template.', 1);
export const imagesCol = col('Images', 'string', 'Images referenced by each container in the template.', 1);
