import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  ArchiveTarget,
  RecoverySource,
  SecretKeyRef,
} from '@cnpg-backups/plugin-cnpg-backups-common';

/** Props of {@link ArchivePanel}. */
export interface ArchivePanelProps {
  archive?: ArchiveTarget;
  recoverySources: RecoverySource[];
}

const PROVIDER_LABEL: Record<ArchiveTarget['provider'], string> = {
  aws: 'AWS S3',
  r2: 'Cloudflare R2',
  hetzner: 'Hetzner Object Storage',
  rustfs: 'RustFS',
  minio: 'MinIO',
  generic: 'S3-compatible',
};

function secretText(ref?: SecretKeyRef): string | undefined {
  // Only the reference is ever shown: the backend never returns secret values.
  return ref ? `Secret ${ref.name}, key ${ref.key}` : undefined;
}

/** Where the database archives: ObjectStore / barmanObjectStore, endpoint, compression, retention. */
export function ArchivePanel(props: ArchivePanelProps) {
  const { archive, recoverySources } = props;
  if (!archive) {
    return (
      <Typography variant="body2" color="textSecondary">
        No archive configured: the Cluster has neither a Barman Cloud plugin
        entry nor spec.backup.barmanObjectStore.
      </Typography>
    );
  }
  const credentials = archive.credentials.inheritFromIAMRole
    ? 'inherited from the IAM role'
    : [
        secretText(archive.credentials.accessKeyId) &&
          `access key: ${secretText(archive.credentials.accessKeyId)}`,
        secretText(archive.credentials.secretAccessKey) &&
          `secret key: ${secretText(archive.credentials.secretAccessKey)}`,
        secretText(archive.credentials.sessionToken) &&
          `session token: ${secretText(archive.credentials.sessionToken)}`,
        secretText(archive.credentials.region) &&
          `region: ${secretText(archive.credentials.region)}`,
      ]
        .filter(Boolean)
        .join('; ') || 'none';
  const rows: Array<[string, string | undefined]> = [
    [
      'Configured by',
      archive.form === 'plugin'
        ? `ObjectStore ${archive.objectStoreName ?? '?'} (Barman Cloud plugin${
            archive.isWALArchiver ? ', WAL archiver' : ''
          })`
        : 'spec.backup.barmanObjectStore (in-tree, deprecated)',
    ],
    ['Provider', PROVIDER_LABEL[archive.provider]],
    ['Endpoint', archive.endpointURL ?? 'default AWS endpoint'],
    ['Destination', archive.destinationPath],
    ['serverName', archive.serverName],
    ['WAL compression', archive.walCompression ?? 'none'],
    ['Data compression', archive.dataCompression ?? 'none'],
    ['Retention', archive.retentionPolicy ?? 'none (keeps everything)'],
    ['Credentials', credentials],
    ['Endpoint CA', secretText(archive.endpointCA)],
    [
      'Sidecar environment',
      archive.sidecarEnv.length ? archive.sidecarEnv.join(', ') : undefined,
    ],
  ];
  return (
    <>
      <Table size="small" aria-label="Archive">
        <TableBody>
          {rows
            .filter(([, value]) => value !== undefined)
            .map(([label, value]) => (
              <TableRow key={label}>
                <TableCell component="th" scope="row" style={{ width: 180 }}>
                  {label}
                </TableCell>
                <TableCell>{value}</TableCell>
              </TableRow>
            ))}
        </TableBody>
      </Table>
      {recoverySources.length > 0 && (
        <Typography variant="body2" style={{ marginTop: 8 }}>
          Recovery sources (externalClusters):{' '}
          {recoverySources
            .map(
              source =>
                `${source.name} → serverName ${source.serverName}${
                  source.objectStoreName
                    ? ` (ObjectStore ${source.objectStoreName})`
                    : ''
                }`,
            )
            .join('; ')}
        </Typography>
      )}
    </>
  );
}
