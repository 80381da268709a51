/// <reference types="vite/client" />
/** The build feature: the "Build from a container" source of the image step. */
import './build.css';
export { BuildSource } from './build-source';
