/** The steps of a wizard as an ordered list, with the current one announced to screen readers. */
export function WizardSteps<T extends string>({
  steps,
  current,
}: {
  steps: ReadonlyArray<{ id: T; label: string }>
  current: T
}) {
  const currentIndex = steps.findIndex((s) => s.id === current)
  return (
    <ol className="wizard-steps">
      {steps.map((step, i) => (
        <li
          key={step.id}
          className={i < currentIndex ? 'done' : i === currentIndex ? 'current' : 'todo'}
          aria-current={i === currentIndex ? 'step' : undefined}
        >
          <span className="wizard-step-number">{i + 1}</span> {step.label}
        </li>
      ))}
    </ol>
  )
}
