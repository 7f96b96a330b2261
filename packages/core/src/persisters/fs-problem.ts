/**
 * What a filesystem error means for a cassette, and what to do about it: the
 * problem half of a `CassetteLoadError` / `CassetteSaveError` message.
 */
export function fsProblem(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk is full (${code}); free some space and run again`
    case 'EROFS':
      return `the file system is read-only (${code}); point cassetteLibraryDir at a writable folder, or use recordMode 'none' so nothing is saved`
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code}); make the folder and the file writable by this user`
    case 'ENOTDIR':
      return `a part of the path is a file, not a folder (${code}); rename that file or choose another cassette path`
    case 'EISDIR':
      return `the cassette path is a folder (${code}); choose a file name for the cassette`
    case 'ENAMETOOLONG':
      return `the path or the file name is too long for the file system (${code}); use a shorter cassette name`
    case 'ELOOP':
      return `the path has a loop of symbolic links (${code}); fix the links`
    default:
      return code === undefined ? String(message ?? error) : `${message}`
  }
}
