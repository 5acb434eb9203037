import type { SVGProps } from 'react';

/** A few line icons (24×24, stroke = currentColor); decorative unless given a title. */
function Icon({ d, title, ...props }: SVGProps<SVGSVGElement> & { d: string; title?: string }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
      role={title ? 'img' : undefined}
      {...props}
    >
      {title ? <title>{title}</title> : null}
      <path d={d} />
    </svg>
  );
}

type P = SVGProps<SVGSVGElement>;
export const ActivityIcon = (p: P) => <Icon d="M22 12h-4l-3 9L9 3l-3 9H2" {...p} />;
export const ChartIcon = (p: P) => <Icon d="M3 3v18h18M7 15l4-4 3 3 5-6" {...p} />;
export const BellIcon = (p: P) => <Icon d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9M13.7 21a2 2 0 0 1-3.4 0" {...p} />;
export const PuzzleIcon = (p: P) => <Icon d="M4 7h4a2 2 0 1 1 4 0h4v4a2 2 0 1 1 0 4v4h-4a2 2 0 1 0-4 0H4v-4a2 2 0 1 0 0-4z" {...p} />;
export const ListIcon = (p: P) => <Icon d="M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01" {...p} />;
export const AlertIcon = (p: P) => <Icon d="M12 9v4m0 4h.01M10.3 3.9 1.8 18a2 2 0 0 0 1.7 3h17a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z" {...p} />;
export const UsersIcon = (p: P) => <Icon d="M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm14 10v-2a4 4 0 0 0-3-3.9M16 3.1a4 4 0 0 1 0 7.8" {...p} />;
export const BotIcon = (p: P) => <Icon d="M12 8V4H8M4 8h16v12H4zM2 14h2m16 0h2M9 13v2m6-2v2" {...p} />;
export const FlowIcon = (p: P) => <Icon d="M3 3h6v6H3zM15 15h6v6h-6zM9 6h3a3 3 0 0 1 3 3v6" {...p} />;
export const PauseIcon = (p: P) => <Icon d="M6 4h4v16H6zM14 4h4v16h-4z" {...p} />;
export const ClockIcon = (p: P) => <Icon d="M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM12 6v6l4 2" {...p} />;
export const PlayIcon = (p: P) => <Icon d="M6 3l14 9-14 9z" {...p} />;
export const BoxIcon = (p: P) => <Icon d="M21 8 12 3 3 8v8l9 5 9-5zM3 8l9 5 9-5M12 13v8" {...p} />;
export const XIcon = (p: P) => <Icon d="M18 6 6 18M6 6l12 12" {...p} />;
export const CopyIcon = (p: P) => <Icon d="M9 9h11v11H9zM5 15H4V4h11v1" {...p} />;
export const LinkIcon = (p: P) => <Icon d="M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7" {...p} />;
export const ChevronRight = (p: P) => <Icon d="m9 18 6-6-6-6" {...p} />;
export const ChevronDown = (p: P) => <Icon d="m6 9 6 6 6-6" {...p} />;
export const SearchIcon = (p: P) => <Icon d="M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16zm10 2-4.3-4.3" {...p} />;
export const BookmarkIcon = (p: P) => <Icon d="M19 21l-7-5-7 5V5a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2z" {...p} />;
export const TrashIcon = (p: P) => <Icon d="M3 6h18M8 6V4h8v2m3 0v14H5V6" {...p} />;
