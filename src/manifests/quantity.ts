// Quantities moved down to src/kube/quantity.ts (the kubelet and the runtime read them too).
export { parseQuantity, QUANTITY_FORMAT_ERROR, QUANTITY_REGEX_TEXT } from '../kube/quantity.js';
