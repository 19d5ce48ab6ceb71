import FormControl from '@material-ui/core/FormControl';
import Box from '@material-ui/core/Box';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type { FleetFilters, SeenValues } from './useFleetQuery';

const PROVIDERS = ['aws', 'r2', 'hetzner', 'rustfs', 'minio', 'generic'];

function SuggestFilter(props: {
  label: string;
  value?: string;
  options: string[];
  onChange: (value: string | undefined) => void;
}) {
  const { label, value, options, onChange } = props;
  return (
    <Autocomplete
      freeSolo
      options={options}
      value={value ?? null}
      onChange={(_event, next) =>
        onChange((next as string | null) ?? undefined)
      }
      onInputChange={(_event, _next, reason) => {
        if (reason === 'clear') {
          onChange(undefined);
        }
      }}
      style={{ minWidth: 180, flex: '1 1 180px' }}
      renderInput={params => (
        <TextField
          {...params}
          label={label}
          variant="outlined"
          size="small"
          onKeyDown={event => {
            if (event.key === 'Enter') {
              onChange((event.target as HTMLInputElement).value || undefined);
            }
          }}
          onBlur={event => onChange(event.target.value || undefined)}
        />
      )}
    />
  );
}

/** The search box and the owner, system, provider and diagnosis filters. */
export function FleetFilterBar(props: {
  filters: FleetFilters;
  seen: SeenValues;
  searchText: string;
  onSearchText: (text: string) => void;
  onUpdate: (patch: Partial<FleetFilters>) => void;
}) {
  const { filters, seen, searchText, onSearchText, onUpdate: update } = props;
  return (
    <Box
      component="section"
      aria-label="Filters"
      display="flex"
      flexWrap="wrap"
      mb={0}
      style={{ gap: 8 }}
    >
      <TextField
        id="fleet-search"
        label="Search"
        variant="outlined"
        size="small"
        value={searchText}
        onChange={event => onSearchText(event.target.value)}
        style={{ minWidth: 180, flex: '1 1 180px' }}
      />
      <SuggestFilter
        label="Owner"
        value={filters.owner}
        options={seen.owner}
        onChange={owner => update({ owner })}
      />
      <SuggestFilter
        label="System"
        value={filters.system}
        options={seen.system}
        onChange={system => update({ system })}
      />
      <FormControl
        variant="outlined"
        size="small"
        style={{ minWidth: 140, flex: '0 1 140px' }}
      >
        <InputLabel id="fleet-provider-label">Provider</InputLabel>
        <Select
          labelId="fleet-provider-label"
          label="Provider"
          value={filters.provider ?? ''}
          onChange={event =>
            update({
              provider: (event.target.value as string) || undefined,
            })
          }
        >
          <MenuItem value="">Any</MenuItem>
          {PROVIDERS.map(p => (
            <MenuItem key={p} value={p}>
              {p}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <SuggestFilter
        label="Diagnosis"
        value={filters.diagnosis}
        options={seen.diagnosis}
        onChange={diagnosis => update({ diagnosis })}
      />
    </Box>
  );
}
