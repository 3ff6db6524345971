/** Block-editor entry: the inspector controls and the document panel. */
import './block-controls'
import './images-panel'
