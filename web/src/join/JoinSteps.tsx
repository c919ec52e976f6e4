import { Stepper } from '@mantine/core';

// Short, so the three fit on one line in the card even at phone width.
const STEPS = ['Details', 'Secure', 'Done'] as const;

/** Where the person is in joining: details, then a passkey or password, then their home page. */
export function JoinSteps({ active }: { active: 0 | 1 | 2 }) {
  return (
    <Stepper active={active} size="xs" iconSize={24} styles={{ separator: { marginInline: 6 } }} allowNextStepsSelect={false} aria-label="Joining steps">
      {STEPS.map((label, index) => (
        <Stepper.Step key={label} label={label} aria-current={index === active ? 'step' : undefined} />
      ))}
    </Stepper>
  );
}
