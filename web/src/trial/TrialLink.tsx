import { Link } from '../app/router.tsx';

/** Back to the protocol's page of the trial, where its other tasks are listed. */
export function TrialLink({ code }: { code: string }) {
  return (
    <p>
      <Link to={`/trials/${encodeURIComponent(code)}`}>Trial {code}: protocol and tasks</Link>
    </p>
  );
}
