/** The catalog feature: the "Fedora IoT" source of the image step, what fits each board. */
export { CatalogSource } from './catalog-source';
