import { useCallback, useMemo } from 'react';
import { useLocation, useSearch } from 'wouter';
import { parseFilters, withFilters, type Filters } from './filters';

/**
 * The filters in the URL, and a setter that rewrites the URL (replacing the history entry), so a
 * copied address opens the same filtered view.
 */
export function useFilters(): [Filters, (patch: Partial<Filters> | null) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const filters = useMemo(() => parseFilters(search), [search]);
  const update = useCallback(
    (patch: Partial<Filters> | null) => {
      const next: Filters = patch === null ? {} : { ...filters, ...patch };
      for (const key of Object.keys(next) as (keyof Filters)[]) if (next[key] === undefined) delete next[key];
      navigate(`${location}${withFilters(search, next)}`, { replace: true });
    },
    [filters, location, navigate, search],
  );
  return [filters, update];
}

/** One query-string parameter of the view (e.g. the selected span), with a setter. */
export function useSearchParam(name: string): [string | null, (value: string | null, options?: { push?: boolean }) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const value = useMemo(() => new URLSearchParams(search).get(name), [search, name]);
  const set = useCallback(
    (next: string | null, options: { push?: boolean } = {}) => {
      const params = new URLSearchParams(search);
      if (next === null) params.delete(name);
      else params.set(name, next);
      const text = params.toString();
      navigate(`${location}${text ? `?${text}` : ''}`, { replace: !options.push });
    },
    [search, location, navigate, name],
  );
  return [value, set];
}
