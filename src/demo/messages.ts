// The demo's words, in Korean (the tutorial's language) and English. Chosen by --lang, else by the
// locale (LANG/LC_ALL starting with "ko" gives Korean).
export type Lang = 'ko' | 'en';

export function pickLang(explicit?: string): Lang {
  if (explicit === 'ko' || explicit === 'en') return explicit;
  const locale = process.env['LC_ALL'] || process.env['LC_MESSAGES'] || process.env['LANG'] || '';
  return locale.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

const en = {
  title: 'mini-kube demo: Pod health check & auto healing (the tutorial, on real containers)',
  fast: 'fast mode: probes start after 1s and run every 1s (the tutorial uses 5s and 5s)',
  image: 'Preparing the tutorial image ondalk8s/healthcheck:v1',
  imageReady: (how: string) => `image ready (${how})`,
  controlPlane: (url: string) => `control plane: ${url}`,
  alreadyThere: (objs: string[], files: string) => `the demo creates ${objs.join(', ')}, which already exist in this cluster; ` +
    `it does not touch objects it did not create. Delete them first (mini-kube delete ${files}) ` +
    'or run the demo on a cluster of its own (MINI_KUBE_HOME=/tmp/demo mini-kube demo).',
  livenessTitle: 'Part 1 - Liveness probe: a failing container is restarted',
  applyLiveness: 'Deploy three pods whose liveness probe runs `cat /tmp/healthcheck` (every 5 seconds in the tutorial)',
  waitRunning: (n: number, total: number) => `waiting for the pods to run: ${n}/${total} running`,
  threeRunning: 'Three pods are running; their restart counts are all 0.',
  removeFile: (pod: string) => `Delete /tmp/healthcheck in the first pod (${pod}); its liveness probe will now fail`,
  probeFailures: (n: number, threshold: number) => `kubelet: liveness probe failed ${n}/${threshold} (failureThreshold)`,
  killing: (msg: string) => `kubelet: threshold reached, it kills the container: "${msg}"`,
  kubeletEvent: (reason: string, msg: string) => `kubelet: ${reason}: ${msg}`,
  restarted: (pod: string) => `${pod} was restarted: RESTARTS is 1. The new container has /tmp/healthcheck again, so it stays up.`,
  onlyThatPod: 'Only that pod restarted; the others still show 0.',
  readinessTitle: 'Part 2 - Readiness probe: a failing pod is taken out of the Service',
  applyReadiness: 'Deploy three pods whose readiness probe calls GET /readiness on port 8080, and a NodePort Service',
  waitReady: (n: number, total: number) => `waiting for the pods to be ready: ${n}/${total} ready`,
  requests: (url: string) => `Requests through the Service's nodePort (${url}); each answer names the pod that served it (its hostname)`,
  removeReadiness: (pod: string) => `Delete /tmp/healthcheck in the first pod (${pod}); its /readiness now answers 500`,
  readinessFailures: (n: number, threshold: number) => `kubelet: readiness probe failed ${n}/${threshold} (failureThreshold)`,
  markedNotReady: (pod: string) => `threshold reached: the kubelet marks ${pod} not ready; the endpoints controller takes it out of mysvc`,
  notReady: (pod: string) => `${pod} is 0/1 (not ready) and has left the Service's endpoints; it was not restarted.`,
  noTrafficTo: (pod: string, n: number, total: number) => `${n} of ${total} requests answered, none by ${pod}`,
  touchBack: (pod: string) => `Put the file back in ${pod}; the readiness probe passes again`,
  waitBack: (pod: string) => `waiting for the kubelet to mark ${pod} ready again`,
  backReady: (pod: string) => `${pod} is ready (1/1) and back in mysvc's endpoints`,
  rejoined: (pod: string) => `${pod} receives traffic again:`,
  cleanup: 'Cleaning up what the demo created',
  waitGone: (n: number) => `waiting for the demo's pods and containers to go: ${n} pod(s) left`,
  gone: 'the demo\'s pods and containers are gone',
  done: 'Done. Try it yourself with the commands above (or kubectl, see README).',
  interrupted: 'interrupted: cleaning up (Ctrl-C again to quit at once)',
};

export type Messages = typeof en;

const ko: Messages = {
  title: 'mini-kube 데모: Pod 생존 및 사용가능성 검사 (Health check & Auto healing, 실제 컨테이너로)',
  fast: '빠른 모드: 프로브가 1초 후 시작해 1초마다 실행됩니다 (튜토리얼은 5초, 5초)',
  image: '튜토리얼 이미지 ondalk8s/healthcheck:v1 준비',
  imageReady: (how) => `이미지 준비 완료 (${how})`,
  controlPlane: (url) => `컨트롤 플레인: ${url}`,
  alreadyThere: (objs, files) => `데모가 만드는 ${objs.join(', ')}이(가) 이미 클러스터에 있습니다. 데모는 자신이 만들지 않은 오브젝트를 건드리지 않습니다. ` +
    `먼저 삭제하거나 (mini-kube delete ${files}) ` +
    '별도의 클러스터에서 실행하세요 (MINI_KUBE_HOME=/tmp/demo mini-kube demo).',
  livenessTitle: '1부 - Liveness probe: 실패한 컨테이너는 재시작됩니다',
  applyLiveness: '`cat /tmp/healthcheck`를 실행하는 liveness probe를 가진 Pod 3개 배포 (튜토리얼에서는 5초마다)',
  waitRunning: (n, total) => `Pod 실행을 기다리는 중: ${n}/${total} 실행 중`,
  threeRunning: '3개의 Pod가 실행 중입니다. 재시작 횟수는 모두 0입니다.',
  removeFile: (pod) => `첫번째 Pod(${pod})의 /tmp/healthcheck 파일 삭제: 이제 liveness probe가 실패합니다`,
  probeFailures: (n, threshold) => `kubelet: liveness probe 실패 ${n}/${threshold} (failureThreshold)`,
  killing: (msg) => `kubelet: 임계값 도달, 컨테이너를 종료합니다: "${msg}"`,
  kubeletEvent: (reason, msg) => `kubelet: ${reason}: ${msg}`,
  restarted: (pod) => `${pod}가 재시작되었습니다: RESTARTS가 1입니다. 새 컨테이너에는 /tmp/healthcheck가 있으므로 더 이상 재시작하지 않습니다.`,
  onlyThatPod: '그 Pod만 재시작되었습니다. 다른 Pod는 여전히 0입니다.',
  readinessTitle: '2부 - Readiness probe: 문제 있는 Pod를 서비스에서 격리합니다',
  applyReadiness: '8080 포트로 GET /readiness를 호출하는 readiness probe를 가진 Pod 3개와 NodePort 서비스 배포',
  waitReady: (n, total) => `Pod 준비를 기다리는 중: ${n}/${total} 준비됨`,
  requests: (url) => `서비스의 nodePort(${url})로 요청: 각 응답은 응답한 Pod 이름(hostname)을 알려줍니다`,
  removeReadiness: (pod) => `첫번째 Pod(${pod})의 /tmp/healthcheck 삭제: 이제 /readiness가 500을 반환합니다`,
  readinessFailures: (n, threshold) => `kubelet: readiness probe 실패 ${n}/${threshold} (failureThreshold)`,
  markedNotReady: (pod) => `임계값 도달: kubelet이 ${pod}를 준비 안 됨으로 표시하고, 엔드포인트 컨트롤러가 mysvc에서 제외합니다`,
  notReady: (pod) => `${pod}는 0/1(준비 안 됨)이 되어 서비스의 엔드포인트에서 제외되었습니다. 재시작되지는 않았습니다.`,
  noTrafficTo: (pod, n, total) => `요청 ${total}개 중 ${n}개 응답, ${pod}가 응답한 것은 없습니다`,
  touchBack: (pod) => `${pod}에 파일을 다시 만듭니다: readiness probe가 다시 성공합니다`,
  waitBack: (pod) => `kubelet이 ${pod}를 다시 준비됨으로 표시하기를 기다리는 중`,
  backReady: (pod) => `${pod}가 준비되어(1/1) mysvc의 엔드포인트로 돌아왔습니다`,
  rejoined: (pod) => `${pod}가 다시 트래픽을 받습니다:`,
  cleanup: '데모가 만든 것을 정리합니다',
  waitGone: (n) => `데모의 Pod가 사라지기를 기다리는 중: ${n}개 남음`,
  gone: '데모의 Pod와 컨테이너가 모두 정리되었습니다',
  done: '끝. 위의 명령어로 직접 해 보세요 (kubectl은 README 참고).',
  interrupted: '중단됨: 정리합니다 (즉시 종료하려면 Ctrl-C를 한 번 더)',
};

export function messages(lang: Lang): Messages {
  return lang === 'ko' ? ko : en;
}
