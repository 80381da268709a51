/**
 * A local image file: typed or pasted path, the native dialog in the desktop app, or a file
 * dropped anywhere on the drop zone (the desktop app knows its path; a station's page uploads it).
 */
import { useState, type DragEvent, type FormEvent } from 'react';
import { imageStore, useImage, useUpload } from '../../stores';
import { PathField } from '../../components/path-field';
import { OfferedImages } from './offered-images';
import { StationUpload, uploadFile } from './station-upload';

export function FileSource() {
  const canBrowse = useImage((s) => s.canBrowse);
  const canUpload = useUpload((s) => s.available);
  // What was typed or picked here, not the chosen image: a catalog pick or a download leaves it alone.
  const path = useImage((s) => s.boxPath);
  const setPath = (text: string) => imageStore.getState().setBoxPath(text);
  const [dragging, setDragging] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void imageStore.getState().choose(path);
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file && canUpload) void uploadFile(file, setPath);
    else if (file) void imageStore.getState().chooseDropped(file);
  };
  const browse = async () => {
    if (await imageStore.getState().browse()) setPath(imageStore.getState().path);
  };

  return (
    <div
      className={`drop-zone${dragging ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={drop}
      data-testid="image-drop-zone"
    >
      <p className="drop-hint">
        {canBrowse ? 'Drop an image file here, browse for one, or type its path.' : 'Choose an image the station offers, upload one from this computer, or type the path of one in its images folder.'}
        <span className="muted"> A disk image: a file ending in .raw, .img or .iso, plain or compressed (.xz, .gz, .bz2, .zst, .zip), such as Fedora-IoT-raw-43-….raw.xz</span>
      </p>
      <form className="path-row" onSubmit={submit}>
        <PathField
          id="image-path"
          label="Image file path"
          placeholder="e.g. …/Fedora-IoT-raw-43-….raw.xz"
          value={path}
          onChange={setPath}
          testId="image-path-input"
        />
        <button type="submit" className="button primary" data-testid="image-use-button">
          Use this file
        </button>
        {canBrowse && (
          <button type="button" className="button" onClick={() => void browse()} data-testid="image-browse-button">
            Browse…
          </button>
        )}
      </form>
      <StationUpload onChosen={setPath} />
      {!canBrowse && (
        <OfferedImages
          onChoose={(chosen) => {
            setPath(chosen);
            void imageStore.getState().choose(chosen);
          }}
        />
      )}
    </div>
  );
}
