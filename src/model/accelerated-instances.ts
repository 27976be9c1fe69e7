/**
 * EC2 accelerated computing instance types: NVIDIA/AMD GPUs (p*, g*), AWS Trainium and Inferentia
 * (trn*, inf*), Habana Gaudi and Qualcomm AI 100 (dl*), FPGAs (f*) and video transcoding (vt*), by
 * family and size, as AWS lists them under "Accelerated computing" (previous generations included:
 * templates in old stacks still name them). The network analysis reads a group's instance types with
 * it, and the gpu-compute capability's request values (policies/capabilities.yaml) are these types,
 * which a test keeps in step.
 */
const SIZES: Readonly<Record<string, readonly string[]>> = {
  p2: ['xlarge', '8xlarge', '16xlarge'],
  p3: ['2xlarge', '8xlarge', '16xlarge'],
  p3dn: ['24xlarge'],
  p4d: ['24xlarge'],
  p4de: ['24xlarge'],
  p5: ['4xlarge', '48xlarge'],
  p5e: ['48xlarge'],
  p5en: ['48xlarge'],
  'p6-b200': ['48xlarge'],
  'p6-b300': ['48xlarge'],
  'p6e-gb200': ['36xlarge'],
  g2: ['2xlarge', '8xlarge'],
  g3: ['4xlarge', '8xlarge', '16xlarge'],
  g3s: ['xlarge'],
  g4dn: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', 'metal'],
  g4ad: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge'],
  g5: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  g5g: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '16xlarge', 'metal'],
  g6: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  g6e: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  g6f: ['large', 'xlarge', '2xlarge', '4xlarge'],
  gr6: ['4xlarge', '8xlarge'],
  gr6f: ['4xlarge'],
  inf1: ['xlarge', '2xlarge', '6xlarge', '24xlarge'],
  inf2: ['xlarge', '8xlarge', '24xlarge', '48xlarge'],
  trn1: ['2xlarge', '32xlarge'],
  trn1n: ['32xlarge'],
  trn2: ['48xlarge'],
  trn2u: ['48xlarge'],
  dl1: ['24xlarge'],
  dl2q: ['24xlarge'],
  f1: ['2xlarge', '4xlarge', '16xlarge'],
  f2: ['6xlarge', '12xlarge', '48xlarge'],
  vt1: ['3xlarge', '6xlarge', '24xlarge'],
};

/** Families SageMaker offers as `ml.<type>` for training, processing, hosting and notebooks. */
const SAGEMAKER_FAMILIES = ['p2', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'g4dn', 'g5', 'g6', 'g6e', 'inf1', 'inf2', 'trn1', 'trn1n', 'trn2'];

/** Every accelerated EC2 instance type (`g5.xlarge`), in family order. */
export const ACCELERATED_INSTANCE_TYPES: readonly string[] = Object.entries(SIZES).flatMap(([family, sizes]) => sizes.map((size) => `${family}.${size}`));

/** The SageMaker ML instance types of those families (`ml.g5.xlarge`). */
export const ACCELERATED_ML_INSTANCE_TYPES: readonly string[] = SAGEMAKER_FAMILIES.flatMap((family) =>
  (SIZES[family] ?? []).map((size) => `ml.${family}.${size}`),
);

const FAMILIES = new Set(Object.keys(SIZES));

/**
 * Is `type` (`g5.xlarge`, `ml.p4d.24xlarge`) of an accelerated family? By family, so a size AWS
 * adds later still counts.
 */
export function isAcceleratedInstanceType(type: string): boolean {
  const plain = type.trim().toLowerCase().replace(/^ml\./, '');
  const dot = plain.indexOf('.');
  return dot > 0 && FAMILIES.has(plain.slice(0, dot));
}
