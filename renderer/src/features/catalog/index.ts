/** The catalog feature: the "Fedora IoT" source of the image step. */
export { CatalogSource, CATALOG_SHOWN_MARK } from './catalog-source';
