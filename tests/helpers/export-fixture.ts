/**
 * A fixed set of notes and action items for the seeded session `containers-cr` (fixed ids and
 * timestamps, so exports are deterministic), written through the doc service like a restore.
 */
import type { App } from '../../server/app.ts';
import { restoreNotes, writeSessionState, type RestoreSection } from '../../server/sessions/restore-content.ts';
import { setDiscussing } from '../../shared/discussion.ts';

/** The time golden exports are generated at. */
export const FIXED_NOW = new Date('2019-09-10T18:30:00Z');

export const FIXTURE_NOTES: RestoreSection[] = [
  {
    id: 'android-containers',
    title: 'Android containers',
    notes: [
      'Anbox and binderfs status update.',
      '',
      '# Where we are',
      '',
      '- binderfs is **upstream** since 5.0',
      '- Anbox runs *unprivileged* with it',
      '  - nested list item that is deliberately long enough that the text export has to wrap it at seventy-two columns',
      '',
      'Discussion',
      '----------',
      '',
      'See the [binderfs docs](https://www.kernel.org/doc/html/latest/admin-guide/binderfs.html) and `mount -t binder`:',
      '',
      '```sh',
      'mkdir /dev/binderfs',
      'mount -t binder binder /dev/binderfs',
      '```',
      '',
      '1. Ship binderfs in distributions',
      '2. Look at ashmem replacement (memfd)',
      '',
      '> Android needs one binder device per container.',
      '',
    ].join('\n'),
    actions: [
      {
        id: 'act-binderfs-docs',
        text: 'Write up binderfs usage for container runtimes',
        done: false,
        createdBy: 'Christian Brauner',
        createdAt: '2019-09-10T10:12:00.000Z',
        assignee: { name: 'Christian Brauner', email: 'christian@brauner.io' },
        due: '2019-10-01',
        status: 'open',
      },
      {
        id: 'act-anbox-ci',
        text: 'Add Anbox to the kernel CI matrix',
        done: true,
        createdBy: 'Stéphane Graber',
        createdAt: '2019-09-10T10:20:00.000Z',
        assignee: { name: 'Stéphane Graber' },
        status: 'done',
      },
    ],
  },
  {
    id: 'agree-on-an-upstreamable-approach-to-shiftfs',
    title: 'Agree on an upstreamable approach to shiftfs',
    notes: '## Options\n\n- shiftfs as a stacking filesystem\n- id-mapped mounts in the VFS\n\nConsensus: **id-mapped mounts**, no new filesystem.\n',
    actions: [
      {
        id: 'act-idmap-rfc',
        text: 'Post an RFC for id-mapped mounts',
        done: false,
        createdBy: 'Mike Rapoport',
        createdAt: '2019-09-10T10:40:00.000Z',
        assignee: { name: 'christian brauner' },
        due: '2019-11-15',
        status: 'in-progress',
      },
      {
        id: 'act-shiftfs-ubuntu',
        text: 'Keep shiftfs in Ubuntu until then',
        done: false,
        createdBy: 'Stéphane Graber',
        createdAt: '2019-09-10T10:45:00.000Z',
        status: 'open',
      },
    ],
    decisions: [
      {
        id: 'dec-idmapped-mounts',
        text: 'Pursue id-mapped mounts in the VFS instead of a new filesystem',
        createdBy: 'Mike Rapoport',
        createdAt: '2019-09-10T10:43:00.000Z',
        agreed: true,
        agreedBy: 'Christian Brauner (lead)',
        agreedAt: '2019-09-10T10:44:00.000Z',
      },
      {
        id: 'dec-shiftfs-ubuntu',
        text: 'Ubuntu keeps carrying shiftfs until id-mapped mounts land',
        createdBy: 'Stéphane Graber',
        createdAt: '2019-09-10T10:46:00.000Z',
        agreed: false,
      },
    ],
  },
  {
    id: 'upstreaming-the-time-namespace-patchset',
    title: 'Upstreaming the time namespace patchset',
    notes: 'Patchset v6 is in `linux-next`; CRIU needs it for *monotonic* clocks after restore.\n',
    actions: [],
  },
];

/** Writes the fixture into the seeded session of a fresh app (notes doc and state doc). */
export async function writeFixture(app: App, sessionId = 'containers-cr'): Promise<void> {
  await restoreNotes(app.docs, sessionId, FIXTURE_NOTES);
  await app.stateDocs.withDoc(sessionId, (live) => {
    writeSessionState(live.doc, FIXTURE_NOTES, FIXED_NOW.toISOString());
    // The room as it really went: two topics discussed, at fixed times.
    setDiscussing(live.doc, 'android-containers', '2019-09-10T10:05:00+01:00');
    setDiscussing(live.doc, 'agree-on-an-upstreamable-approach-to-shiftfs', '2019-09-10T10:30:00+01:00');
    setDiscussing(live.doc, null, '2019-09-10T10:55:00+01:00');
  });
}
