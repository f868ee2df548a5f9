// batch/v1 Job and CronJob, apps/v1 DaemonSet and ControllerRevision validation (pkg/apis/batch/validation,
// pkg/apis/apps/validation): the checks a user meets, with the apiserver's wording. The Job's generated
// selector and labels (the job strategy's generateSelector) are applied first, as the apiserver does.
import type { ControllerRevision, CronJob, DaemonSet, Job, JobSpec, PodTemplateSpec } from '../kube/types.js';
import { selectorMatches } from '../kube/labels.js';
import { FieldPath } from './field-path.js';
import { forbiddenField, invalidField, notSupportedField, requiredField, tooLongField, type FieldError } from './field-errors.js';
import { IS_NEGATIVE_ERROR, isValidPercent } from '../kube/validation.js';
import { validateLabelSelector, validateObjectMeta } from './validate-meta.js';
import { validatePodTemplateSpec } from './validate-pod.js';
import { CronParseError, isValidTimeZone, parseCron } from '../kube/cron-schedule.js';
import { JOB_CONTROLLER_UID_LABEL } from '../kube/job.js';

const MAX_PARALLELISM_FOR_INDEXED = 100_000;
const MAX_COMPLETIONS_FOR_INDEXED = 100_000;

function nonNegative(v: number | undefined | null, path: FieldPath): FieldError[] {
  return v !== undefined && v !== null && v < 0 ? [invalidField(path, v, IS_NEGATIVE_ERROR)] : [];
}

export function validateJob(job: Job): FieldError[] {
  const errs = validateObjectMeta(job.metadata, 'subdomain', FieldPath.of('metadata'));
  // Pod names are "<job>-<random 5>" and the hostname of an Indexed Job's pod is "<job>-<index>": 63 at most.
  if ((job.metadata?.name?.length ?? 0) > 63) errs.push(invalidField(FieldPath.of('metadata', 'name'), job.metadata!.name, 'must be no more than 63 characters'));
  if (!job.spec) return [...errs, requiredField(FieldPath.of('spec'))];
  errs.push(...validateJobSpec(job.spec, FieldPath.of('spec'), job.metadata?.uid !== undefined || job.spec.manualSelector === true));
  if (job.spec.manualSelector !== true && job.metadata?.uid) {
    // ValidateGeneratedSelector: without manualSelector the selector is exactly the generated one, so a
    // selector of the user's own is refused ("not auto-generated"), as on Kubernetes
    const uid = job.metadata.uid;
    const sel = job.spec.selector;
    const generated = !sel?.matchExpressions?.length && Object.keys(sel?.matchLabels ?? {}).length === 1 && sel?.matchLabels?.[JOB_CONTROLLER_UID_LABEL] === uid;
    if (!generated) {
      errs.push(invalidField(FieldPath.of('spec', 'selector'), job.spec.selector, '`selector` not auto-generated'));
    }
  }
  return errs;
}

/** ValidateJobSpec (and the template part of a CronJob's jobTemplate, where `selectorRequired` is false). */
export function validateJobSpec(spec: JobSpec, path: FieldPath, selectorRequired: boolean): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...nonNegative(spec.parallelism, path.child('parallelism')));
  errs.push(...nonNegative(spec.completions, path.child('completions')));
  errs.push(...nonNegative(spec.activeDeadlineSeconds, path.child('activeDeadlineSeconds')));
  errs.push(...nonNegative(spec.backoffLimit, path.child('backoffLimit')));
  errs.push(...nonNegative(spec.ttlSecondsAfterFinished, path.child('ttlSecondsAfterFinished')));
  const mode = spec.completionMode ?? 'NonIndexed';
  if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupportedField(path.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed') {
    if (spec.completions === undefined || spec.completions === null) {
      errs.push(requiredField(path.child('completions'), `when completion mode is ${mode}`));
    } else if (spec.completions > MAX_COMPLETIONS_FOR_INDEXED) {
      errs.push(invalidField(path.child('completions'), spec.completions, `must be less than or equal to ${MAX_COMPLETIONS_FOR_INDEXED} when completion mode is Indexed`));
    }
    if ((spec.parallelism ?? 0) > MAX_PARALLELISM_FOR_INDEXED) {
      errs.push(invalidField(path.child('parallelism'), spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED} when completion mode is Indexed`));
    }
  }
  if (spec.selector) errs.push(...validateLabelSelector(spec.selector, path.child('selector')));
  else if (selectorRequired) errs.push(requiredField(path.child('selector')));
  const tpath = path.child('template');
  const t: PodTemplateSpec | undefined = spec.template;
  if (spec.selector && t && !selectorMatches(spec.selector, t.metadata?.labels ?? {})) {
    errs.push(invalidField(tpath.child('metadata', 'labels'), t.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(t, tpath));
  const rp = t?.spec?.restartPolicy;
  if (rp && rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupportedField(tpath.child('spec', 'restartPolicy'), rp, ['OnFailure', 'Never']));
  if (spec.podFailurePolicy) errs.push(...validatePodFailurePolicy(spec, path.child('podFailurePolicy')));
  const prp = spec.podReplacementPolicy;
  if (prp !== undefined && prp !== null) {
    if (prp !== 'TerminatingOrFailed' && prp !== 'Failed') errs.push(notSupportedField(path.child('podReplacementPolicy'), prp, ['Failed', 'TerminatingOrFailed']));
    else if (spec.podFailurePolicy && prp !== 'Failed') errs.push(notSupportedField(path.child('podReplacementPolicy'), prp, ['Failed'], 'when podFailurePolicy is specified'));
  }
  return errs;
}

function validatePodFailurePolicy(spec: JobSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const rp = spec.template?.spec?.restartPolicy;
  if (rp !== 'Never') {
    errs.push(invalidField(FieldPath.of('spec', 'template', 'spec', 'restartPolicy'), rp ?? '', 'only "Never" is supported when podFailurePolicy is specified'));
  }
  const rules = spec.podFailurePolicy?.rules ?? [];
  if (rules.length > 20) errs.push(tooLongField(path.child('rules'), 'must have at most 20 items'));
  const containers = new Set([...(spec.template?.spec?.containers ?? []), ...(spec.template?.spec?.initContainers ?? [])].map((c) => c.name));
  rules.forEach((rule, i) => {
    const p = path.child('rules').index(i);
    const actions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
    if (!actions.includes(rule.action)) errs.push(notSupportedField(p.child('action'), rule.action, actions));
    if (rule.action === 'FailIndex' && spec.backoffLimitPerIndex === undefined) {
      errs.push(forbiddenField(p.child('action'), 'set to FailIndex when backoffLimitPerIndex is not set'));
    }
    if (rule.onExitCodes && rule.onPodConditions) errs.push(invalidField(p, rule, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!rule.onExitCodes && !(rule.onPodConditions?.length)) errs.push(invalidField(p, rule, 'specifying one of OnExitCodes and OnPodConditions is required'));
    const ec = rule.onExitCodes;
    if (ec) {
      const ep = p.child('onExitCodes');
      if (ec.containerName && !containers.has(ec.containerName)) {
        errs.push(invalidField(ep.child('containerName'), ec.containerName, 'must be one of the container or initContainer names in the pod template'));
      }
      if (ec.operator !== 'In' && ec.operator !== 'NotIn') errs.push(notSupportedField(ep.child('operator'), ec.operator, ['In', 'NotIn']));
      const values = ec.values ?? [];
      if (values.length === 0) errs.push(invalidField(ep.child('values'), values, 'at least one value is required'));
      if (values.length > 255) errs.push(tooLongField(ep.child('values'), 'must have at most 255 items'));
      values.forEach((v, j) => {
        if (j > 0 && v <= values[j - 1]!) errs.push(invalidField(ep.child('values').index(j), v, v === values[j - 1] ? 'duplicated values are not allowed' : 'must be ordered'));
        if (ec.operator === 'In' && v === 0) errs.push(invalidField(ep.child('values').index(j), v, 'must not be 0 for the In operator'));
      });
    }
    (rule.onPodConditions ?? []).forEach((c, j) => {
      const cp = p.child('onPodConditions').index(j);
      if (!c.type) errs.push(requiredField(cp.child('type')));
      if (c.status !== 'True' && c.status !== 'False' && c.status !== 'Unknown') errs.push(notSupportedField(cp.child('status'), c.status, ['False', 'True', 'Unknown']));
    });
  });
  return errs;
}

export function validateCronJob(cj: CronJob): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, 'subdomain', FieldPath.of('metadata'));
  // Job names are "<cronjob>-<minutes since the epoch>" (11 characters), and must stay a valid label value.
  if ((cj.metadata?.name?.length ?? 0) > 52) errs.push(invalidField(FieldPath.of('metadata', 'name'), cj.metadata!.name, 'must be no more than 52 characters'));
  const spec = cj.spec;
  const path = FieldPath.of('spec');
  if (!spec) return [...errs, requiredField(path)];
  if (!spec.schedule) {
    errs.push(requiredField(path.child('schedule')));
  } else {
    try {
      parseCron(spec.schedule);
    } catch (e) {
      if (!(e instanceof CronParseError)) throw e;
      errs.push(invalidField(path.child('schedule'), spec.schedule, e.message));
    }
    if (spec.schedule.includes('TZ')) errs.push(invalidField(path.child('schedule'), spec.schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  if (spec.timeZone !== undefined && spec.timeZone !== null) {
    const tz = spec.timeZone;
    // validateTimeZone: an IANA name the server's tz database knows; "Local" is not allowed
    if (tz === '' || tz === 'Local' || /\s/.test(tz) || !isValidTimeZone(tz)) errs.push(invalidField(path.child('timeZone'), tz, 'unknown time zone ' + tz));
  }
  const policies = ['Allow', 'Forbid', 'Replace'];
  if (spec.concurrencyPolicy && !policies.includes(spec.concurrencyPolicy)) errs.push(notSupportedField(path.child('concurrencyPolicy'), spec.concurrencyPolicy, policies));
  else if (!spec.concurrencyPolicy) errs.push(requiredField(path.child('concurrencyPolicy')));
  errs.push(...nonNegative(spec.startingDeadlineSeconds, path.child('startingDeadlineSeconds')));
  errs.push(...nonNegative(spec.successfulJobsHistoryLimit, path.child('successfulJobsHistoryLimit')));
  errs.push(...nonNegative(spec.failedJobsHistoryLimit, path.child('failedJobsHistoryLimit')));
  const jt = spec.jobTemplate;
  if (!jt?.spec) errs.push(requiredField(path.child('jobTemplate', 'spec')));
  else errs.push(...validateJobSpec(jt.spec, path.child('jobTemplate', 'spec'), false));
  return errs;
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, 'subdomain', FieldPath.of('metadata'));
  const spec = ds.spec;
  const path = FieldPath.of('spec');
  if (!spec) return [...errs, requiredField(path)];
  const sel = spec.selector;
  if (!sel) errs.push(requiredField(path.child('selector')));
  else {
    errs.push(...validateLabelSelector(sel, path.child('selector')));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions?.length ?? 0) === 0) errs.push(invalidField(path.child('selector'), sel, 'empty selector is invalid for daemonset'));
  }
  const tpath = path.child('template');
  const t = spec.template;
  if (sel && t && !selectorMatches(sel, t.metadata?.labels ?? {})) {
    errs.push(invalidField(tpath.child('metadata', 'labels'), t.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(t, tpath));
  if (t?.spec?.restartPolicy && t.spec.restartPolicy !== 'Always') errs.push(notSupportedField(tpath.child('spec', 'restartPolicy'), t.spec.restartPolicy, ['Always']));
  if (t?.spec?.activeDeadlineSeconds !== undefined) errs.push(forbiddenField(tpath.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in DaemonSet is not Supported'));
  errs.push(...nonNegative(spec.minReadySeconds, path.child('minReadySeconds')));
  errs.push(...nonNegative(spec.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  const us = spec.updateStrategy;
  const up = path.child('updateStrategy');
  if (us?.type === 'OnDelete') {
    if (us.rollingUpdate) errs.push(forbiddenField(up.child('rollingUpdate'), "may not be specified when strategy `type` is 'OnDelete'"));
  } else if (us?.type === 'RollingUpdate') {
    const ru = us.rollingUpdate ?? {};
    const rp = up.child('rollingUpdate');
    for (const [k, v] of [['maxUnavailable', ru.maxUnavailable], ['maxSurge', ru.maxSurge]] as const) {
      if (typeof v === 'string') for (const m of isValidPercent(v)) errs.push(invalidField(rp.child(k), v, m));
      if (typeof v === 'number' && v < 0) errs.push(invalidField(rp.child(k), v, IS_NEGATIVE_ERROR));
      if (typeof v === 'string' && /^\d+%$/.test(v) && Number(v.slice(0, -1)) > 100) errs.push(invalidField(rp.child(k), v, 'must not be greater than 100%'));
    }
    const zero = (v: unknown) => v === 0 || v === '0%' || v === undefined;
    if (zero(ru.maxUnavailable) && zero(ru.maxSurge)) errs.push(invalidField(rp.child('maxUnavailable'), ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
    if (!zero(ru.maxUnavailable) && !zero(ru.maxSurge)) errs.push(invalidField(rp.child('maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  } else {
    errs.push(notSupportedField(up.child('type'), us?.type ?? '', ['OnDelete', 'RollingUpdate']));
  }
  return errs;
}

export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, 'subdomain', FieldPath.of('metadata'));
  if (cr.data === undefined || cr.data === null) errs.push(requiredField(FieldPath.of('data')));
  errs.push(...nonNegative(cr.revision, FieldPath.of('revision')));
  return errs;
}
