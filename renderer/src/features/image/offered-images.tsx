/**
 * On a station: the images in the folder it was started with (`--images`) and in the image cache,
 * the only local files it will write. Choosing one fills in its path and inspects it. The list is
 * read again whenever an image may have landed in the cache (a download done, a card written while
 * its image downloaded, another image chosen), so it never says "None yet" beside a cached image.
 */
import { useEffect } from 'react';
import { imageStore, useDownloads, useImage, useJob } from '../../stores';
import { formatSize } from '../../format';

export function OfferedImages({ onChoose }: { onChoose(path: string): void }) {
  const offered = useImage((s) => s.offered);
  const chosen = useImage((s) => s.info?.path);
  const downloaded = useDownloads((s) => (s.current?.phase === 'done' ? s.current.downloadId : null));
  const written = useJob((s) => s.status === 'finished');
  useEffect(() => {
    void imageStore.getState().loadOffered();
  }, [chosen, downloaded, written]);
  if (!offered) return null;
  return (
    <div className="offered-images" data-testid="offered-images">
      <p className="muted small">Images in {offered.folders.join(', ')} (the only files this station writes):</p>
      {offered.images.length === 0 ? (
        <p className="muted small">None yet: copy an image there, or download one.</p>
      ) : (
        <ul>
          {offered.images.map((image) => (
            <li key={image.path}>
              <button type="button" className="link-button" onClick={() => onChoose(image.path)} data-testid="offered-image">
                {image.name}
              </button>{' '}
              <span className="muted small">{formatSize(image.fileSize)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
