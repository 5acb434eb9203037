import type { ComponentType } from 'react';
import type { Span } from '../../api/types';
import type { MarksBySpan } from '../../components/AnnotationMarks';
import { AgentsTab } from './AgentsTab';
import { AnalyticsTab } from './AnalyticsTab';
import { ConversationTab } from './ConversationTab';
import { FilesTab } from './FilesTab';
import { ToolsTab } from './ToolsTab';
import { TimelineTab } from './TimelineTab';

export interface RunTabProps {
  traceId: string;
  /** The run's spans; during playback, as they stood at the playback position. */
  spans: Span[];
  onSelect(spanId: string): void;
  /** Bookmarks and notes by span id. */
  marks: MarksBySpan;
  /** During playback: every span of the run, the time shown, and a jump to a moment. */
  playback?: { allSpans: Span[]; at: number; jumpTo(time: number): void };
}

export interface RunTab {
  /** The URL segment: /agents/:traceId/:id. */
  id: string;
  label: string;
  component: ComponentType<RunTabProps>;
}

/**
 * The tabs of one run after Graph (which is built into the run view). To add a tab, add an entry
 * here: the tab bar, the URL and the keyboard order follow.
 */
export const RUN_TABS: RunTab[] = [
  { id: 'conversation', label: 'Conversation', component: ConversationTab },
  { id: 'tools', label: 'Tools', component: ToolsTab },
  { id: 'files', label: 'Files', component: FilesTab },
  { id: 'agents', label: 'Agents', component: AgentsTab },
  { id: 'timeline', label: 'Timeline', component: TimelineTab },
  { id: 'analytics', label: 'Analytics', component: AnalyticsTab },
];
