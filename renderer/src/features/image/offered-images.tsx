/**
 * On a station: the images in the folder it was started with (`--images`), the only local files
 * it will write. Choosing one fills in its path and inspects it.
 */
import { useEffect } from 'react';
import { imageStore, useImage } from '../../stores';
import { formatSize } from '../../format';

export function OfferedImages({ onChoose }: { onChoose(path: string): void }) {
  const offered = useImage((s) => s.offered);
  useEffect(() => {
    void imageStore.getState().loadOffered();
  }, []);
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
