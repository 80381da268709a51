/**
 * The core's services, built in one place and once per process: by createCore for the desktop app
 * and a station (whose handlers receive them), and by each CLI command, which calls them directly.
 * Each service is made on first use, so a command that lists the cache never loads the catalog.
 */
import type { FlashRequest } from '../../shared/domain/flash';
import { BuildManager } from './build/build-manager';
import { mirrorGapOfUrl, resolveCatalogSource } from './catalog/resolve-source';
import { unreachableMirror } from '../../shared/domain/catalog';
import { CheckinService } from './checkin/checkin-service';
import { CatalogService } from './catalog/service';
import { loadConfig, type AppConfig } from './config';
import { targetDepsFor } from './drives/test-cards';
import { startFlash, type FlashJob } from './flash/job';
import type { SourceResolver } from './image-source';
import { flashRecorder } from './history';
import { runOnCardHooks } from './hooks/on-card';
import { readOnCardCommand } from './hooks/on-card-setting';
import { imageServiceFromConfig, type ImageService } from './images/image-service';
import { EventBus } from './router';

export class CoreServices {
  private catalogService: CatalogService | undefined;
  private imageService: ImageService | undefined;
  private buildManager: BuildManager | undefined;
  private checkinService: CheckinService | undefined;

  /** Whether jobs run the on-card command saved in the config folder (the app and the station; the CLI names its own). */
  onCardFromSetting = false;

  constructor(readonly config: AppConfig = loadConfig(), readonly events: EventBus = new EventBus()) {}

  /** Fedora's releases and registries, the board profiles; a refresh is pushed as `catalog:changed`. */
  get catalog(): CatalogService {
    this.catalogService ??= new CatalogService({ config: this.config, onChange: (catalog) => this.events.emit('catalog:changed', catalog) });
    return this.catalogService;
  }

  /**
   * Downloads, verification and the image cache. One per process, so concurrent requests for the
   * same image share one download; catalog references resolve through the catalog service.
   */
  get images(): ImageService {
    this.imageService ??= imageServiceFromConfig(this.config, {
      resolveRef: (ref) => resolveCatalogSource(ref, this.catalog),
      mirrorGapOf: (url) => mirrorGapOfUrl(url, this.catalog),
      unreachableMirror: async () => unreachableMirror(await this.catalog.get()),
    });
    return this.imageService;
  }

  get builds(): BuildManager {
    this.buildManager ??= new BuildManager(this.config);
    return this.buildManager;
  }

  /** The devices' check-ins: listens only while a run's cards are awaited. */
  get checkins(): CheckinService {
    this.checkinService ??= new CheckinService({ configDir: this.config.configDir, events: this.events });
    return this.checkinService;
  }

  /**
   * Starts a flash job, wired the same for every front end: URLs and catalog references come
   * through the image cache (downloaded and verified once, decompressed once), local files through
   * `local` (what this front end may name) and then the cache too (a compressed one is decompressed
   * once, by its first verified flash), and every job is recorded in the flash history. The
   * on-card command (`onCardCommand`, else the saved setting where it applies) runs after each card.
   */
  flash(request: FlashRequest, local: SourceResolver, options: { onCardCommand?: string; publicOnly?: boolean } = {}): FlashJob {
    const { configDir } = this.config;
    // Read when the job ends, so a setting changed while cards are written applies to them.
    const onCardCommand = async () => options.onCardCommand ?? (this.onCardFromSetting ? await readOnCardCommand(configDir) : null);
    return startFlash(request, {
      resolvers: [this.images.resolver({ publicOnly: options.publicOnly }), this.images.localResolver(local)],
      ...targetDepsFor(this.config),
      onFinished: flashRecorder(configDir),
      configDir,
      checkins: this.checkins,
      afterCards: async (finished) => {
        const command = await onCardCommand();
        return command ? runOnCardHooks(command, finished) : [];
      },
    });
  }
}
