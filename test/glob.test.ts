import { describe, expect, it } from 'vitest';
import { globMatch } from '../src/model/glob.js';

describe('globMatch', () => {
  it('matches IAM-style wildcards anywhere in the pattern', () => {
    expect(globMatch('sagemaker:*ModelPackage*', 'sagemaker:CreateModelPackageGroup')).toBe(true);
    expect(globMatch('sagemaker:Create*', 'sagemaker:DescribeModel')).toBe(false);
    expect(globMatch('s3:Get?bject', 's3:GetObject')).toBe(true);
    expect(globMatch('*', '')).toBe(true);
  });

  it('is case-insensitive only when asked', () => {
    expect(globMatch('SageMaker:createmodelpackage', 'sagemaker:CreateModelPackage', true)).toBe(true);
    expect(globMatch('SageMaker:createmodelpackage', 'sagemaker:CreateModelPackage')).toBe(false);
  });

  it('answers patterns built to make a regex backtrack (a backtracking matcher would not return)', () => {
    const pattern = `${'a*'.repeat(200)}b`;
    const text = 'a'.repeat(20_000);
    expect(globMatch(pattern, text)).toBe(false);
  });
});
