// The meta.k8s.io/v1 Table shapes (apimachinery pkg/apis/meta/v1/types.go), shared by the table builders
// and the table printer. kubernetes-types has no Table, so they are written down here.
import type { KubeObject } from '../store/store.js';

export interface TableColumnDefinition {
  name: string;
  /** "string" | "integer" | "number" | "boolean" | "date" */
  type: string;
  /** "name" marks the column kubectl prefixes with the kind ("pod/x") */
  format: string;
  description: string;
  /** 0 = always shown; > 0 only with -o wide */
  priority: number;
}

export interface TableRowCondition {
  type: 'Completed';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface TableRow {
  cells: (string | number)[];
  /** the printers set "Completed" on pods that Succeeded or Failed */
  conditions?: TableRowCondition[];
  object: KubeObject;
}

export interface Table {
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}
